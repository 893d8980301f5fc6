package dev.conduit.web;

import dev.conduit.platform.cache.Cached;
import gg.jte.Content;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * Article bodies as HTML: markdown rendered by commonmark, then cleaned by the OWASP sanitizer of anything but
 * formatting, links (http, https, mailto) and images, whatever the author wrote: no script, style, event handler,
 * {@code javascript:} URL or frame survives. Rendered once per version of an article (slug and update time),
 * kept by size: a long article costs milliseconds to render, and pages must answer in less. Kept as UTF-8, which a
 * page copies in as it is: a 100,000-character article encoded again for each view was a fifth of what its page
 * allocated.
 */
final class Markdown {
    /** Built at the first article rendered: the sanitizer's tables take a cold JVM ~9 ms that start-up need not. */
    private static final class Renderer {
        static final Parser PARSER = Parser.builder().build();
        static final HtmlRenderer RENDERER = HtmlRenderer.builder().sanitizeUrls(true).build();
        static final PolicyFactory POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS)
                .and(Sanitizers.LINKS).and(Sanitizers.IMAGES).and(Sanitizers.TABLES)
                .and(new HtmlPolicyBuilder()
                        .allowElements("pre", "code", "hr", "del", "s", "sup", "sub", "br")
                        .allowAttributes("class").matching(Pattern.compile("language-[a-zA-Z0-9_+-]{1,40}"))
                        .onElements("code")
                        .toFactory());
    }

    private final Cached<String, byte[]> rendered;

    Markdown(long maxBytes) {
        this.rendered = Cached.weighing("web.markdown", maxBytes, (key, html) -> 64 + 2 * key.length() + html.length);
    }

    /** The body of the article {@code slug} as last updated at {@code updatedAt}, as safe HTML for a template. */
    Content html(String slug, String updatedAt, Supplier<String> body) {
        byte[] html = rendered.get(slug + " " + updatedAt, key -> toHtml(body.get()).getBytes(StandardCharsets.UTF_8));
        return output -> output.writeBinaryContent(html);
    }

    private static String toHtml(String markdown) {
        return Renderer.POLICY.sanitize(Renderer.RENDERER.render(Renderer.PARSER.parse(markdown)));
    }

    List<Cached<?, ?>> caches() {
        return List.of(rendered);
    }
}
