#!/usr/bin/env bash
# Builds the base image's root filesystem, offline after the first run:
#   glibc, libgcc and zlib from Debian packages (apt-get download, cached), a jlink'ed Java runtime
#   with only the modules the drivers need, /etc/passwd and /etc/group with Argo's non-root user
#   8737, and a /tmp writable by any UID. No shell, no package manager.
# Three variants with different module sets (the size budgets differ per driver):
#   minimal  volume, sftp: gRPC, Jackson, the JDK HTTP client (Kubernetes Secrets)
#   cloud    azure, s3: also XML (the Blob and S3 APIs), JNDI (Netty's DNS and TLS helpers), JMX
#            (reactor-netty) and jdk.net (Apache HttpClient 5's keep-alive socket options)
#   full     gcs, hdfs: also SQL types, JNDI/DNS and Kerberos (the HDFS client)
# Output: images/base/target/rootfs-<variant> (Jib turns it into target/jib-image-<variant>.tar).
# Usage: build-rootfs.sh minimal|cloud|full
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../../bin/java-env.sh"
variant=${1:?usage: build-rootfs.sh minimal|cloud|full}
out="$here/target/rootfs-$variant"
mkdir -p "$here/target/classes"   # Jib insists on a classes directory, even for an image of files only
debs="${ARGO_ARTIFACT_DEB_CACHE:-$HOME/.cache/argo-artifact-drivers/debs}"
# Modules from jdeps over the drivers' runtime classpaths, minus optional ones (java.desktop is only
# java.beans for Jackson's optional annotations). Kerberos (java.security.jgss, jdk.security.auth,
# java.security.sasl) and java.xml are the HDFS client's; java.xml is also Azure's XML.
case "$variant" in
  minimal) modules=java.base,java.logging,java.net.http,jdk.unsupported ;;
  cloud) modules=java.base,java.logging,java.naming,java.net.http,java.xml,java.management,jdk.net,jdk.unsupported ;;
  full) modules=java.base,java.logging,java.naming,java.net.http,java.sql,java.xml,java.management,java.security.jgss,java.security.sasl,jdk.security.auth,jdk.unsupported,jdk.naming.dns,jdk.crypto.cryptoki ;;
  *) echo "unknown variant '$variant' (minimal, cloud, full)" >&2; exit 2 ;;
esac

mkdir -p "$debs"
packages=(libc6 libgcc-s1 zlib1g netbase)
for p in "${packages[@]}" libc-bin; do
  if ! ls "$debs/${p}_"*.deb >/dev/null 2>&1; then
    (cd "$debs" && apt-get download "$p" 2>/dev/null) || { echo "cannot download Debian package $p (no cache in $debs)" >&2; exit 1; }
  fi
done

rm -rf "$out"
mkdir -p "$out"
for p in "${packages[@]}"; do
  dpkg-deb -x "$(ls "$debs/${p}_"*.deb | sort | tail -1)" "$out"
done
# The C.UTF-8 locale (from libc-bin): without it the JVM encodes file names as ASCII and every
# key or path with a non-ASCII character fails.
locale_tmp=$(mktemp -d)
dpkg-deb -x "$(ls "$debs/libc-bin_"*.deb | sort | tail -1)" "$locale_tmp"
mkdir -p "$out/usr/lib/locale"
cp -a "$locale_tmp/usr/lib/locale/C.utf8" "$out/usr/lib/locale/"
rm -rf "$locale_tmp"
# Only what a JVM needs from them: no docs, locales, gconv modules or helper binaries.
rm -rf "$out/usr/share" "$out/usr/lib/x86_64-linux-gnu/gconv" "$out/usr/bin" "$out/usr/sbin" "$out/sbin" "$out/usr/libexec" \
  "$out/etc/ld.so.conf.d" "$out/usr/lib/x86_64-linux-gnu/audit"
# glibc's debugging, profiling and legacy NSS libraries, and libmvec (vector math for GCC's
# auto-vectorised code): nothing in the JVM or the JDK's libraries links or loads them.
for lib in libBrokenLocale libanl libc_malloc_debug libmemusage libnsl libnss_compat libnss_hesiod libpcprofile libthread_db libSegFault libmvec; do
  rm -f "$out/lib/x86_64-linux-gnu/$lib".so*
done
# Debian bookworm is not merged-/usr inside these packages: the loader lives in /lib and /lib64.

"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --output "$out/opt/java"
# The default CDS archives (28 MB) are replaced by each driver's own AOT cache; the no-compressed-oops
# one is for heaps above 32 GB only.
rm -f "$out/opt/java/lib/server/classes.jsa" "$out/opt/java/lib/server/classes_nocoops.jsa"
# The JDK's native libraries keep their symbol tables (5 MB of libjvm.so); crash logs lose symbol
# names, nothing else. strip comes with binutils (.ci/run installs it); without it, skip.
if command -v strip >/dev/null 2>&1; then
  find "$out/opt/java" -name '*.so' -exec strip --strip-unneeded {} +
else
  echo "warning: strip (binutils) not found; the runtime keeps its symbol tables (larger image)" >&2
fi

# Jib follows symbolic links (an absolute one would copy the build host's file): make them copies.
find "$out" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) resolved="$out$target" ;; *) resolved="$(dirname "$link")/$target" ;; esac
  rm "$link"
  cp -a "$(readlink -f "$resolved")" "$link"
done
mkdir -p "$out/etc" "$out/tmp" "$out/home/argo"
printf 'root:x:0:0:root:/root:/sbin/nologin\nargo:x:8737:8737:argo:/home/argo:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nargo:x:8737:\n' > "$out/etc/group"
printf 'hosts: files dns\n' > "$out/etc/nsswitch.conf"
find "$out" -exec touch -h -d @1 {} +
echo "rootfs in $out: $(du -sh "$out" | cut -f1)" >&2
