package dev.twin.cli;

/** One-line reasons for failures shown to the user (the stack trace only with TWIN_DEBUG set). */
final class Failures {
    private Failures() {
    }

    static String reason(Throwable ex) {
        Throwable t = ex;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return msg.replace('\n', ' ');
    }
}
