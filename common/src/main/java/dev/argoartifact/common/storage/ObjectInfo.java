package dev.argoartifact.common.storage;

/** An object in storage: its key (relative to the driver's root) and its size in bytes. */
public record ObjectInfo(String key, long size) {}
