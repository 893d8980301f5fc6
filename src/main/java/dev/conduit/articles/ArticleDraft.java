package dev.conduit.articles;

import java.util.List;

/**
 * The article fields a client sends. On create, title/description/body are required and a null tag list means
 * none; on update, null means "leave as is" for every field.
 */
public record ArticleDraft(String title, String description, String body, List<String> tagList) {
}
