import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the class files older than Java 6 in a jar as Java 8 class files with stack maps, which
 * the JVM's AOT cache can hold (JEP 483 skips older ones: "Old class has been linked"). picocli
 * ships Java 5 class files, and loading and verifying them by type inference was about 50 ms of
 * every argo-artifact call. The code is unchanged; the stack maps are computed from it, and the
 * JDK's own verifier checks every rewritten class before the jar is replaced.
 *
 * <p>Run by the CLI's build (JDK 24+, for java.lang.classfile): {@code java ModernizeClassFiles.java
 * JAR PREFIX...}; only classes whose names start with a prefix are rewritten (the jar also holds old
 * class files that no call of the tool loads).
 */
public final class ModernizeClassFiles {
    private static final int OLDEST_WITH_STACK_MAPS = ClassFile.JAVA_6_VERSION;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        List<String> prefixes = List.of(args).subList(1, args.length);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, Long> times = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), in.readAllBytes());
                times.put(e.getName(), e.getTime());
            }
        }
        // Merging types at branch points needs the hierarchy: the jar's classes, then the JDK's.
        ClassHierarchyResolver inJar = ClassHierarchyResolver.ofResourceParsing(type -> {
            byte[] bytes = entries.get(
                    type.descriptorString().substring(1, type.descriptorString().length() - 1) + ".class");
            return bytes == null ? null : new ByteArrayInputStream(bytes);
        });
        ClassFile classFile = ClassFile.of(
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(inJar.orElse(ClassHierarchyResolver.defaultResolver())));
        ClassTransform java8 = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen((builder, element) -> {
                    if (element instanceof ClassFileVersion) {
                        builder.withVersion(ClassFile.JAVA_8_VERSION, 0);
                    } else {
                        builder.with(element);
                    }
                });
        int rewritten = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            String name = entry.getKey();
            if (!name.endsWith(".class")
                    || name.endsWith("module-info.class")
                    || prefixes.stream().noneMatch(name::startsWith)) {
                continue;
            }
            ClassModel model = classFile.parse(entry.getValue());
            if (model.majorVersion() >= OLDEST_WITH_STACK_MAPS) {
                continue;
            }
            byte[] modern = classFile.transformClass(model, java8);
            classFile.verify(modern).forEach(error -> failures.add(name + ": " + error.getMessage()));
            entry.setValue(modern);
            rewritten++;
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("rewritten class files fail verification:\n" + String.join("\n", failures));
        }
        Path staged = jar.resolveSibling(jar.getFileName() + ".modern");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(staged))) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry copy = new ZipEntry(entry.getKey());
                copy.setTime(times.get(entry.getKey())); // the build's timestamps stay, for reproducible jars
                out.putNextEntry(copy);
                out.write(entry.getValue());
                out.closeEntry();
            }
        }
        Files.move(staged, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("rewrote " + rewritten + " class files older than Java 6 under " + prefixes + " in "
                + jar.getFileName());
    }
}
