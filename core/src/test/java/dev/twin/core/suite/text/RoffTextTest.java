package dev.twin.core.suite.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoffTextTest {
    @Test
    void resolvesEscapes() {
        assertEquals("a-b", RoffText.unescape("a\\-b"));
        assertEquals("bold and italic, roman", RoffText.unescape("\\fBbold\\fR and \\fIitalic\\fP, roman"));
        assertEquals("code x", RoffText.unescape("\\f(CWcode\\fP \\f[CR]x\\f[]"));
        assertEquals("a \u2014 b \u2013 c", RoffText.unescape("a \\(em b \\(en c"));
        assertEquals("\u201cquoted\u201d", RoffText.unescape("\\(lqquoted\\(rq"));
        assertEquals("\u201cq\u201d \u00ae", RoffText.unescape("\\*(lqq\\*(rq \\*R"));
        assertEquals("C:\\dir \\", RoffText.unescape("C:\\edir \\\\"));
        assertEquals("CP 1251 x y", RoffText.unescape("CP\\ 1251\\~x\\0y"));
        assertEquals("register_printf", RoffText.unescape("\\%register\\&_printf\\c"));
        assertEquals("small", RoffText.unescape("\\s-1small\\s0"));
        assertEquals("\u00e9 gone", RoffText.unescape("\\[u00E9] \\(zzgone"));
        assertEquals("text ", RoffText.unescape("text \\\" a comment"));
        assertEquals("trailing\\", RoffText.unescape("trailing\\"));
    }
}
