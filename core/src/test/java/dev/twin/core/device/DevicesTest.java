package dev.twin.core.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The device rule on hand-given GPU counts: auto picks GPU 0 or the CPU, cuda:N is required, cpu is cpu. */
class DevicesTest {
    private static final String KEY = "twin.test.device";

    private static ChosenDevice resolve(String value, int gpus) {
        return Devices.resolve(KEY, DeviceSetting.parse(KEY, value), gpus, "DJL", "no CUDA runtime found");
    }

    @Test
    void parsesTheThreeForms() {
        assertEquals(DeviceSetting.AUTO, DeviceSetting.parse(KEY, "auto"));
        assertEquals(DeviceSetting.CPU, DeviceSetting.parse(KEY, " CPU "));
        assertEquals(new DeviceSetting(DeviceSetting.Kind.CUDA, 3), DeviceSetting.parse(KEY, "cuda:3"));
        assertEquals("cuda:3", DeviceSetting.parse(KEY, "cuda:3").toString());
    }

    @Test
    void rejectsOtherValuesNamingTheKeyAndTheForms() {
        for (String bad : new String[] {"gpu", "cuda", "cuda:", "cuda:-1", "cuda:x", "", "tpu:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeviceSetting.parse(KEY, bad));
            assertTrue(e.getMessage().contains(KEY + "=" + bad) && e.getMessage().contains("auto, cpu or cuda:N"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DeviceSetting.parse(KEY, null));
    }

    @Test
    void autoTakesGpuZeroWhenThereIsOneElseTheCpu() {
        ChosenDevice two = resolve("auto", 2);
        assertEquals("cuda:0", two.name());
        assertEquals(Device.gpu(0), two.djl());
        assertTrue(two.reason().contains("sees 2 GPU(s)"), two.reason());

        ChosenDevice none = resolve("auto", 0);
        assertEquals("cpu", none.name());
        assertFalse(none.gpu());
        assertEquals(Device.cpu(), none.djl());
        assertTrue(none.reason().contains("no CUDA runtime found"), none.reason());
    }

    @Test
    void cpuStaysOnTheCpuWhateverTheGpus() {
        assertEquals("cpu", resolve("cpu", 4).name());
    }

    @Test
    void cudaNTakesGpuNWhenPresent() {
        ChosenDevice d = resolve("cuda:1", 2);
        assertEquals(1, d.gpuIndex());
        assertEquals(Device.gpu(1), d.djl());
    }

    @Test
    void aMissingGpuRefusesWithTheReasonNeverFallsBack() {
        DeviceUnavailableException none = assertThrows(DeviceUnavailableException.class, () -> resolve("cuda:0", 0));
        assertEquals(KEY + "=cuda:0 asks for GPU 0 but DJL sees no GPU (no CUDA runtime found); refusing to start"
                + " (set " + KEY + "=auto or cpu to run without it)", none.getMessage());
        DeviceUnavailableException tooHigh = assertThrows(DeviceUnavailableException.class,
                () -> resolve("cuda:2", 2));
        assertTrue(tooHigh.getMessage().contains("asks for GPU 2 but DJL sees 2 GPU(s), cuda:0 to cuda:1"),
                tooHigh.getMessage());
    }

    @Test
    void thisMachineResolvesAutoToWhatDjlSees() {
        ChosenDevice d = Devices.forDjl(KEY, "auto");
        assertEquals(TestDevices.gpuCount() > 0, d.gpu(), d.toString());
    }
}
