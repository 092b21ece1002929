import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Copies the signed jars of a directory without their signatures, for the driver images:
 * {@code java UnsignJars.java <from-dir> <to-dir>} (the JDK runs the source file directly).
 *
 * <p>Why: the JVM checks the signature of every class it reads from a signed jar, and an AOT
 * cache cannot hold classes from signed jars at all, so a driver whose SDK is signed (Azure's)
 * starts about 100 ms slower (docs/benchmarks.md). The jars were checked against Maven Central's
 * checksums when they were downloaded; their signature adds nothing inside our image, which no
 * security policy reads. Entry order, times and contents stay as they were, so builds stay
 * reproducible; the manifest keeps its digests, which mean nothing without a signature file.
 */
public final class UnsignJars {
  private static final Pattern SIGNATURE = Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)|META-INF/SIG-[^/]+");

  private UnsignJars() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java UnsignJars.java <from-dir> <to-dir>");
      System.exit(2);
    }
    Path from = Path.of(args[0]);
    Path to = Files.createDirectories(Path.of(args[1]));
    List<Path> jars;
    try (Stream<Path> files = Files.list(from)) {
      jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
    for (Path jar : jars) {
      if (unsign(jar, to.resolve(jar.getFileName()))) {
        System.out.println("unsigned " + jar.getFileName());
      }
    }
  }

  /** Writes {@code target} without signature files if {@code jar} has any; returns whether it did. */
  static boolean unsign(Path jar, Path target) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.stream().noneMatch(e -> SIGNATURE.matcher(e.getName()).matches())) {
        return false;
      }
      Path partial = target.resolveSibling(target.getFileName() + ".partial");
      try (OutputStream file = Files.newOutputStream(partial); ZipOutputStream out = new ZipOutputStream(file)) {
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
          ZipEntry entry = entries.nextElement();
          if (SIGNATURE.matcher(entry.getName()).matches()) {
            continue;
          }
          ZipEntry copy = new ZipEntry(entry.getName());
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          try (InputStream in = zip.getInputStream(entry)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
  }
}
