# Sourced by bin/ scripts and .ci/run: finds a JDK 21+ (JDK 25 preferred) and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, then Temurin 25 where Debian/Adoptium put it, then any JDK in
# /usr/lib/jvm, then `java` on the PATH.

# From the JDK's release file, without starting a JVM (each start costs the tools' own start-up);
# by asking the JVM only where a JDK has no such file.
java_major() {
  local version
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -z "$version" ]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)
  fi
  echo "$version"
}

pick_java_home() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ]; then
      local major
      major=$(java_major "$candidate")
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then
        echo "$candidate"
        return 0
      fi
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    local major
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  fi
  return 1
}

if ! JAVA_HOME=$(pick_java_home); then
  echo "error: argo-artifact-drivers needs a JDK 21 or newer (JDK 25 recommended); none was found." >&2
  echo "       Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
JAVA_MAJOR=$(java_major "$JAVA_HOME")
# protobuf and Netty still use sun.misc.Unsafe; JDK 24+ warns about it unless allowed explicitly.
if [ "$JAVA_MAJOR" -ge 24 ]; then
  JAVA_UNSAFE_FLAG="--sun-misc-unsafe-memory-access=allow"
else
  JAVA_UNSAFE_FLAG=""
fi
export JAVA_UNSAFE_FLAG
