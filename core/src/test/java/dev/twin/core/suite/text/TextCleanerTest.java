package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextCleanerTest {
    @Test
    void collapsesWhitespaceAndDropsOverstrike() {
        assertEquals("a b c", TextCleaner.normalize("  a\n\t b \r\n c  ", 400));
        assertEquals("Title here", TextCleaner.normalize("_\bT_\bi_\bt_\bl_\be here", 400));
        assertEquals("bell gone", TextCleaner.normalize("bell\u0007 gone", 400));
        assertEquals("nbsp x", TextCleaner.normalize("nbsp\u00a0x", 400));
        assertEquals("", TextCleaner.normalize(" \n\t ", 400));
    }

    @Test
    void truncatesToTheBound() {
        assertEquals("abcde", TextCleaner.normalize("abcdefgh", 5));
        assertEquals("abc", TextCleaner.normalize("abc de", 4)); // the cut leaves a trailing space, trimmed
        String emoji = "ab\uD83D\uDE00c"; // a, b, one surrogate pair, c
        assertEquals("ab", TextCleaner.normalize(emoji, 3));
        assertEquals("ab\uD83D\uDE00", TextCleaner.normalize(emoji, 4));
        assertThrows(IllegalArgumentException.class, () -> TextCleaner.normalize("x", 0));
    }
}
