package dev.conduit.articles;

import dev.conduit.platform.domain.Failure;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * A search box's words as PostgreSQL's text search reads them, and the snippets it marks, as HTML. The words are
 * runs of letters and digits (anything else separates them); an article must have every one, the last also as a
 * prefix, so that a search finds "virtual threads" while it is still being typed ("virtual thr").
 */
final class Search {
    static final int MAX_LENGTH = 200;
    private static final int MAX_WORDS = 16;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{M}\\p{N}]+");
    /** Private-use characters: the database puts them around each match, after removing any from the body. */
    static final String MARK_START = "\uE000";
    static final String MARK_END = "\uE001";
    /** {@code ts_headline}'s options: up to two passages of about 12 to 30 words. */
    static final String HEADLINE_OPTIONS = "StartSel=" + MARK_START + ", StopSel=" + MARK_END
            + ", MinWords=12, MaxWords=30, MaxFragments=2, FragmentDelimiter=\" … \"";

    private Search() {
    }

    /**
     * What was typed: the words but the last, as a {@code to_tsquery} text ("a & b"; empty when there is one word),
     * and the last word, matched as a prefix.
     */
    record Query(String words, String last) {
    }

    /** The query of what was typed; empty when it has no word (it then matches nothing). */
    static Optional<Query> query(String typed) {
        if (typed.length() > MAX_LENGTH) {
            throw new Failure.Invalid("q", "must be at most " + MAX_LENGTH + " characters");
        }
        var words = WORD.matcher(typed).results().map(MatchResult::group).limit(MAX_WORDS).toList();
        if (words.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Query(String.join(" & ", words.subList(0, words.size() - 1)), words.getLast()));
    }

    /** A snippet as HTML: its text escaped, each match in {@code <mark>}. */
    static String html(String snippet) {
        var html = new StringBuilder(snippet.length() + 64);
        for (int i = 0; i < snippet.length(); i++) {
            char c = snippet.charAt(i);
            switch (c) {
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '&' -> html.append("&amp;");
                case '"' -> html.append("&quot;");
                case '\'' -> html.append("&#39;");
                case '\uE000' -> html.append("<mark>");
                case '\uE001' -> html.append("</mark>");
                default -> html.append(c);
            }
        }
        return html.toString();
    }
}
