package dev.argoartifact.common.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerMemoryTest {
    @TempDir
    Path root;

    private void write(String file, String content) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void cgroupV2InsideItsNamespace() throws IOException {
        write("proc/meminfo", "MemTotal:       24731648 kB\nMemFree: 1 kB\n");
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/memory.max", "268435456\n");
        assertThat(ContainerMemory.read(root)).hasValue(256L << 20);
    }

    @Test
    void cgroupV1MountedAtTheContainersOwnGroup() throws IOException {
        write("proc/meminfo", "MemTotal:       24731648 kB\n");
        write("proc/self/cgroup", "12:memory:/libpod_parent/libpod-abc\n11:cpu,cpuacct:/libpod_parent/libpod-abc\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "268435456\n");
        assertThat(ContainerMemory.read(root)).hasValue(256L << 20);
    }

    @Test
    void cgroupV1SeenFromTheHostUnderOurOwnPath() throws IOException {
        write("proc/meminfo", "MemTotal:       24731648 kB\n");
        write("proc/self/cgroup", "5:memory,hugetlb:/batch/job-7\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/fs/cgroup/memory/batch/job-7/memory.limit_in_bytes", "1073741824\n");
        assertThat(ContainerMemory.read(root)).hasValue(1L << 30);
    }

    @Test
    void noLimitWhenUnlimitedOrAboveTheMachinesMemoryOrUnreadable() throws IOException {
        write("proc/meminfo", "MemTotal:       24731648 kB\n");
        write("proc/self/cgroup", "0::/user.slice\n");
        write("sys/fs/cgroup/memory.max", "max\n");
        write("sys/fs/cgroup/user.slice/memory.max", "99999999999\n");
        assertThat(ContainerMemory.read(root)).isEmpty();
        assertThat(ContainerMemory.read(root.resolve("nothing-here"))).isEmpty();
    }
}
