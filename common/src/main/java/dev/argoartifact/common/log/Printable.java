package dev.argoartifact.common.log;

/**
 * Text that came from a request (keys, field names, plugin names, paths), made safe to echo in a
 * log line or an error: control characters escaped, so it cannot forge lines, and cut to a short
 * prefix, so a 10,000-character key costs a line, not a page.
 */
public final class Printable {
    /** Keys, paths and names longer than this are cut in logs and errors. */
    public static final int ECHO_CHARS = 200;

    private Printable() {}

    /** Escaped and cut to {@link #ECHO_CHARS}. */
    public static String of(String s) {
        return of(s, ECHO_CHARS);
    }

    /** Escaped and cut to {@code max} characters, saying how long it was. */
    public static String of(String s, int max) {
        if (s == null) {
            return "";
        }
        String head = s.length() > max ? s.substring(0, max) : s;
        StringBuilder b = new StringBuilder(head.length() + 16);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("...(").append(s.length()).append(" characters)");
        }
        return b.toString();
    }
}
