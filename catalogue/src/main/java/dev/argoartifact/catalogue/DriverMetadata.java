package dev.argoartifact.catalogue;

import java.util.List;
import java.util.Map;

/**
 * One driver's hand-written facts: {@code drivers/<name>/metadata.yaml} for ours, and
 * {@code catalogue/external/<name>.yaml} for drivers that live elsewhere (which also carry what
 * we cannot read from their code: source, image, capabilities and a conformance report).
 */
public record DriverMetadata(
        String name,
        String title,
        String description,
        String backend,
        String maturity,
        List<Map<String, String>> maintainers,
        String license,
        List<String> authentication,
        String argoVersions,
        List<String> testedAgainst,
        // drivers of this repository: a working operator default ({configuration, secretNames}), and
        // the seconds Argo should wait for the driver to start (the chart's default: 5)
        Map<String, Object> example,
        Integer connectionTimeoutSeconds,
        // external drivers only
        String source,
        String documentation,
        String image,
        String language,
        List<String> capabilities,
        Map<String, Object> conformance) {}
