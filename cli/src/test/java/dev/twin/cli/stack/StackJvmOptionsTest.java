package dev.twin.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackJvmOptionsTest {
    @Test
    void optionsAreSplitOnAnyWhitespace() {
        assertEquals(List.of("-XX:TieredStopAtLevel=1", "-Xlog:gc:file=gc-%p.log"),
                StackJvmOptions.of(Map.of(StackJvmOptions.ENV, "  -XX:TieredStopAtLevel=1 \t -Xlog:gc:file=gc-%p.log\n")));
    }

    @Test
    void unsetOrBlankGivesNone() {
        assertEquals(List.of(), StackJvmOptions.of(Map.of()));
        assertEquals(List.of(), StackJvmOptions.of(Map.of(StackJvmOptions.ENV, " \t")));
    }
}
