package dev.argoartifact.common.config;

import java.util.List;
import java.util.regex.Pattern;

/** Server addresses written "host:port", "host" (the default port) or "[v6]:port". */
public final class HostPorts {
    private static final Pattern HOST_PORT =
            Pattern.compile("[A-Za-z0-9._-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private HostPorts() {}

    /** At least one address, each well formed and listed once; {@code example} shows one. */
    public static void validate(String field, List<String> addresses, String example) {
        if (addresses.isEmpty()) {
            throw new ConfigurationException(field, "needs at least one address, such as " + example);
        }
        for (int i = 0; i < addresses.size(); i++) {
            String a = addresses.get(i);
            if (a == null || !HOST_PORT.matcher(a).matches()) {
                throw new ConfigurationException(
                        field + "[" + i + "]", "must be host:port (for example " + example + "), without a scheme");
            }
            int colon = a.lastIndexOf(':');
            if (hasPort(a) && Integer.parseInt(a.substring(colon + 1)) > 65535) {
                throw new ConfigurationException(field + "[" + i + "]", "has a port outside 1 to 65535");
            }
        }
        if (addresses.stream().distinct().count() != addresses.size()) {
            throw new ConfigurationException(field, "lists the same address twice");
        }
    }

    private static boolean hasPort(String address) {
        return address.startsWith("[") ? address.contains("]:") : address.contains(":");
    }

    /** The address with {@code port} where it names none. */
    public static String withPort(String address, int port) {
        return hasPort(address) ? address : address + ":" + port;
    }

    /** The host of an address, without brackets or port. */
    public static String host(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        return hasPort(address) ? address.substring(0, address.lastIndexOf(':')) : address;
    }
}
