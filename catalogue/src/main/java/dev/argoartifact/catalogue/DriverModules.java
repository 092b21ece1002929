package dev.argoartifact.catalogue;

import dev.argoartifact.common.ArtifactDriver;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The drivers of this repository, found by their {@code drivers/<name>/metadata.yaml} and loaded
 * from their modules' build output: {@code target/classes} and the runtime class path the build
 * writes to {@code target/runtime.classpath} (the root pom's driver-module profile). Nothing lists
 * them, so a new module is found by existing. Each driver gets a class loader of its own over this
 * tool's, which holds the runtime they share; their SDKs never meet.
 */
public final class DriverModules {
    private final Path repository;
    private final Map<String, ArtifactDriver<?>> loaded = new TreeMap<>();

    private DriverModules(Path repository) {
        this.repository = repository;
    }

    /** The drivers of the repository at {@code repository}. */
    public static DriverModules at(Path repository) {
        return new DriverModules(repository.toAbsolutePath().normalize());
    }

    /**
     * The repository this tool runs in: the {@code argo-artifact.home} property (bin/argo-artifact
     * sets it), else the nearest directory above the working directory that holds {@code drivers/}
     * and {@code index.schema.json}.
     */
    public static DriverModules ofThisRepository() {
        String home = System.getProperty("argo-artifact.home");
        if (home != null) {
            return at(Path.of(home));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("drivers")) && Files.exists(dir.resolve("index.schema.json"))) {
                return at(dir);
            }
        }
        throw new IllegalStateException("this command needs a checkout of argo-artifact-drivers: run it from one,"
                + " or through its bin/argo-artifact");
    }

    public Path repository() {
        return repository;
    }

    /** The names of the driver modules, sorted. */
    public List<String> names() {
        try (Stream<Path> modules = Files.list(repository.resolve("drivers"))) {
            return modules.filter(m -> Files.exists(m.resolve("metadata.yaml")))
                    .map(m -> m.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The driver module {@code name} builds, loaded from its build output. */
    @SuppressWarnings(
            "ReferenceEquality") // the loader that defined the class: the parent's services are not this module's
    public synchronized ArtifactDriver<?> driver(String name) {
        ArtifactDriver<?> driver = loaded.get(name);
        if (driver != null) {
            return driver;
        }
        if (!names().contains(name)) {
            throw new IllegalArgumentException("no driver module drivers/" + name + " here; known: " + names());
        }
        List<URL> urls = new ArrayList<>();
        for (Path entry : classpath(name)) {
            try {
                urls.add(entry.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        URLClassLoader loader =
                new URLClassLoader("driver-" + name, urls.toArray(URL[]::new), DriverModules.class.getClassLoader());
        for (ArtifactDriver<?> candidate : ServiceLoader.load(ArtifactDriver.class, loader)) {
            if (candidate.getClass().getClassLoader() == loader) {
                if (!candidate.name().equals(name)) {
                    throw new IllegalStateException("drivers/" + name + " builds a driver named '" + candidate.name()
                            + "': ArtifactDriver's name must be the module's directory name");
                }
                loaded.put(name, candidate);
                return candidate;
            }
        }
        throw new IllegalStateException("drivers/" + name + " has no META-INF/services/"
                + ArtifactDriver.class.getName() + " naming its driver class");
    }

    /**
     * The class path that runs driver {@code name} (its classes first), for a child JVM or a class
     * loader; fails with what to run when the module is not built.
     */
    public List<Path> classpath(String name) {
        Path module = repository.resolve("drivers").resolve(name);
        Path classes = module.resolve("target/classes");
        Path runtime = module.resolve("target/runtime.classpath");
        if (!Files.isDirectory(classes) || !Files.exists(runtime)) {
            throw new IllegalStateException("drivers/" + name + " is not built (no target/classes or"
                    + " target/runtime.classpath): run ./mvnw install -DskipTests in " + repository);
        }
        List<Path> entries = new ArrayList<>(List.of(classes));
        try {
            for (String entry : Files.readString(runtime).strip().split(File.pathSeparator, -1)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
