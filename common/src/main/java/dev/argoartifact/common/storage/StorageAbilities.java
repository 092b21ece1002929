package dev.argoartifact.common.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The optional abilities a storage type has, read from the interfaces it implements: the index
 * publishes them, the docs list them and the conformance suite checks each. Nothing declares
 * them a second time.
 */
public final class StorageAbilities {
    /** Every ability interface, in the order the index lists them. */
    public static final List<Class<? extends ArtifactStorage>> ALL = List.of(
            RangedReads.class,
            ListedReads.class,
            PartedWrites.class,
            DirectoryDelete.class,
            BatchDelete.class,
            FileTransfers.class,
            StagedWrites.class);

    private StorageAbilities() {}

    /** The abilities of a storage type, by their index names ("ranged-reads", "directory-delete", ...). */
    public static List<String> of(Class<? extends ArtifactStorage> type) {
        List<String> names = new ArrayList<>();
        for (Class<? extends ArtifactStorage> ability : ALL) {
            if (ability.isAssignableFrom(type)) {
                names.add(name(ability));
            }
        }
        return names;
    }

    /** "RangedReads" as the index writes it: "ranged-reads". */
    public static String name(Class<?> ability) {
        return ability.getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
