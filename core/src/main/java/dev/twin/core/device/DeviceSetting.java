package dev.twin.core.device;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's {@code device} setting: {@code auto} (the GPU when the engine sees one, else the CPU), {@code cpu}, or
 * {@code cuda:N} (GPU N, required: no fallback).
 */
public record DeviceSetting(Kind kind, int index) {
    private static final Pattern CUDA = Pattern.compile("cuda:(\\d{1,4})");

    public enum Kind { AUTO, CPU, CUDA }

    public DeviceSetting {
        if ((kind == Kind.CUDA) != (index >= 0)) {
            throw new IllegalArgumentException("a device index goes with cuda only, got " + kind + " " + index);
        }
    }

    public static final DeviceSetting AUTO = new DeviceSetting(Kind.AUTO, -1);
    public static final DeviceSetting CPU = new DeviceSetting(Kind.CPU, -1);

    /** Parses the value of the config key {@code key}; an unknown value is an error naming the key and the forms. */
    public static DeviceSetting parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return AUTO;
        }
        if (v.equals("cpu")) {
            return CPU;
        }
        Matcher m = CUDA.matcher(v);
        if (m.matches()) {
            return new DeviceSetting(Kind.CUDA, Integer.parseInt(m.group(1)));
        }
        throw new IllegalArgumentException(key + "=" + value + " is not a device: use auto, cpu or cuda:N (N = the"
                + " GPU's index, from 0)");
    }

    @Override
    public String toString() {
        return kind == Kind.CUDA ? "cuda:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
