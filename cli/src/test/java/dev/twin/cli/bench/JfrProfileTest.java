package dev.twin.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JfrProfileTest {
    // four samples, top frame first
    private static final List<List<String>> STACKS = List.of(List.of("a", "b", "c"), List.of("a", "c"),
            List.of("b", "c"), List.of("c", "x", "c"));

    @Test
    void selfCountsTheTopFrame() {
        List<JfrProfile.Entry> self = JfrProfile.top(STACKS, 10, false);
        assertEquals(List.of(new JfrProfile.Entry("a", 2, 0.5), new JfrProfile.Entry("b", 1, 0.25),
                new JfrProfile.Entry("c", 1, 0.25)), self);
    }

    @Test
    void idleWaitsAreRecognizedByTheirTopFrame() {
        for (String idle : List.of("sun.nio.ch.EPoll.wait", "jdk.internal.misc.Unsafe.park", "java.lang.Thread.sleep",
                "java.lang.Object.wait", "sun.nio.ch.Net.poll", "io.netty.channel.epoll.Native.epollWait")) {
            assertTrue(JfrProfile.IDLE.matcher(idle).find(), idle);
        }
        for (String work : List.of("ai.djl.pytorch.jni.PyTorchLibrary.torchMatmul",
                "ai.onnxruntime.OnnxRuntime.run", "sun.nio.ch.FileDispatcherImpl.writev0", "a.Pool.pollTask")) {
            assertFalse(JfrProfile.IDLE.matcher(work).find(), work);
        }
    }

    @Test
    void inclusiveCountsEachFrameOncePerSample() {
        // c is on all four stacks (twice on the last, counted once); a and b on two; x on one
        List<JfrProfile.Entry> inc = JfrProfile.top(STACKS, 3, true);
        assertEquals(List.of(new JfrProfile.Entry("c", 4, 1.0), new JfrProfile.Entry("a", 2, 0.5),
                new JfrProfile.Entry("b", 2, 0.5)), inc);
    }
}
