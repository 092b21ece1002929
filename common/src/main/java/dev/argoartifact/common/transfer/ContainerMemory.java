package dev.argoartifact.common.transfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The memory limit of the container (cgroup v2 or v1) this process runs in, when it has one
 * below the machine's memory. Read from the files, not the JVM's management beans: the smallest
 * images carry no {@code java.management}.
 */
public final class ContainerMemory {
    private static final OptionalLong LIMIT = read(Path.of("/"));

    private ContainerMemory() {}

    public static OptionalLong limitBytes() {
        return LIMIT;
    }

    /** {@code root} is "/" but for tests. Any unreadable or odd file means "no limit known". */
    static OptionalLong read(Path root) {
        long machine = machineMemory(root.resolve("proc/meminfo"));
        List<String> groups = new ArrayList<>(List.of(""));
        try {
            // Without a cgroup namespace the mounted hierarchy is the host's: look under our own path too.
            for (String line : Files.readAllLines(root.resolve("proc/self/cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length == 3
                        && (f[1].isEmpty() || List.of(f[1].split(",")).contains("memory"))
                        && !f[2].equals("/")) {
                    groups.add(f[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep the mount roots only
        }
        long smallest = Long.MAX_VALUE;
        for (String group : groups) {
            for (String file : List.of(
                    "sys/fs/cgroup" + group + "/memory.max",
                    "sys/fs/cgroup/memory" + group + "/memory.limit_in_bytes")) {
                try {
                    String value = Files.readString(root.resolve(file)).strip();
                    if (value.matches("\\d{1,19}")) {
                        smallest = Math.min(smallest, Long.parseLong(value));
                    }
                } catch (IOException | RuntimeException e) {
                    // not this cgroup version, or not visible here
                }
            }
        }
        // cgroup v1 writes "no limit" as a page-rounded Long.MAX_VALUE; v2 as "max".
        return smallest < machine ? OptionalLong.of(smallest) : OptionalLong.empty();
    }

    private static long machineMemory(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return Long.MAX_VALUE;
    }
}
