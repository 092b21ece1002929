package dev.argoartifact.common.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransferMemoryTest {
    private static final long MIB = 1 << 20;

    @Test
    void reservationsBeyondTheBudgetWaitForOneToBeReturned() throws Exception {
        TransferMemory memory = new TransferMemory(4 * MIB);
        TransferMemory.Reservation first = memory.reserve(3 * MIB);
        assertThat(memory.tryReserve(2 * MIB)).isEmpty();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<TransferMemory.Reservation> waiting = CompletableFuture.supplyAsync(() -> {
            started.countDown();
            try {
                return memory.reserve(2 * MIB);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        started.await();
        Thread.sleep(100);
        assertThat(waiting).as("waits while 3 of 4 MiB are held").isNotDone();
        first.close();
        first.close(); // returned once, however often closed
        waiting.get(5, TimeUnit.SECONDS).close();
        assertThat(memory.tryReserve(4 * MIB)).as("everything returned").isPresent();
    }

    @Test
    void anExtraReservationNeverOvertakesAWaitingOne() throws Exception {
        TransferMemory memory = new TransferMemory(4 * MIB);
        TransferMemory.Reservation held = memory.reserve(3 * MIB);
        CompletableFuture<TransferMemory.Reservation> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return memory.reserve(2 * MIB);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertThat(memory.tryReserve(1 * MIB))
                .as("1 MiB is free, but a file waits for 2")
                .isEmpty();
        held.close();
        waiting.get(5, TimeUnit.SECONDS).close();
    }

    @Test
    void aTransferLargerThanTheWholeBudgetRunsAlone() throws Exception {
        TransferMemory memory = new TransferMemory(4 * MIB);
        try (TransferMemory.Reservation huge = memory.reserve(64 * MIB)) {
            assertThat(memory.tryReserve(1 * MIB)).isEmpty();
        }
        assertThat(memory.tryReserve(4 * MIB)).isPresent();
    }

    @Test
    void theDefaultBudgetIsHalfTheHeap() {
        long half = Runtime.getRuntime().maxMemory() / 2;
        assertThat(TransferMemory.ofHeap().totalBytes()).isBetween(half - 1024, half);
    }
}
