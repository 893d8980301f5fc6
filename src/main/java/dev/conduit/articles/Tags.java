package dev.conduit.articles;

import dev.conduit.platform.domain.Violations;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** An article's tags as stored: trimmed, none blank, each once (the stored list is read back sorted by name). */
final class Tags {
    static final int MAX_TAGS = 20;
    static final int MAX_TAG = 50;

    private Tags() {
    }

    /** {@code raw} trimmed and without repeats; blank or over-long tags, or too many, are violations. */
    static List<String> normalize(Violations violations, List<String> raw) {
        var unique = new LinkedHashSet<String>();
        for (String tag : raw) {
            if (tag.isBlank()) {
                violations.add("tagList", "can't contain blank tags");
            } else if (tag.strip().length() > MAX_TAG) {
                violations.add("tagList", "tags are at most " + MAX_TAG + " characters");
            } else {
                unique.add(tag.strip());
            }
        }
        if (unique.size() > MAX_TAGS) {
            violations.add("tagList", "can have at most " + MAX_TAGS + " tags");
        }
        return List.copyOf(unique);
    }

    /** How each tag's article count moves when an article loses {@code removed} and gains {@code added}. */
    static Map<String, Integer> deltas(Collection<String> removed, Collection<String> added) {
        var deltas = new HashMap<String, Integer>();
        removed.forEach(tag -> deltas.merge(tag, -1, Integer::sum));
        added.forEach(tag -> deltas.merge(tag, 1, Integer::sum));
        deltas.values().removeIf(delta -> delta == 0);
        return deltas;
    }
}
