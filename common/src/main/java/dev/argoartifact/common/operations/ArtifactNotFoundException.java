package dev.argoartifact.common.operations;

/** Nothing exists at the key nor under it. */
public final class ArtifactNotFoundException extends ArtifactException {
    private static final long serialVersionUID = 1L;

    public ArtifactNotFoundException(ArtifactKey key) {
        super("no artifact at key '" + key + "': neither an object at that key nor anything under '"
                + key.directoryPrefix() + "'");
    }
}
