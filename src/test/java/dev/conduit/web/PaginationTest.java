package dev.conduit.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Pagination shows the pages around the current one, the first and the last, and gaps between: never 300 links. */
class PaginationTest {
    @Test
    void aLongListShowsAWindowAroundTheCurrentPage() {
        assertThat(labels(3001, 1)).containsExactly("1", "2", "3", "…", "301", "Next");
        assertThat(labels(3001, 150))
                .containsExactly("Previous", "1", "…", "148", "149", "150", "151", "152", "…", "301", "Next");
        assertThat(labels(3001, 301)).containsExactly("Previous", "1", "…", "299", "300", "301");
        assertThat(labels(3001, 4)).containsExactly("Previous", "1", "2", "3", "4", "5", "6", "…", "301", "Next");
    }

    @Test
    void onePageNeedsNoLinksAndLinksKeepTheList() {
        assertThat(labels(10, 1)).isEmpty();
        assertThat(labels(0, 1)).isEmpty();
        var links = Pages.Pagination.of(25, 2, "/?tag=a%20b").links();
        assertThat(links).extracting(Pages.PageLink::href)
                .containsExactly("/?tag=a%20b", "/?tag=a%20b", "/?tag=a%20b&page=2", "/?tag=a%20b&page=3",
                        "/?tag=a%20b&page=3");
        assertThat(links).filteredOn(Pages.PageLink::current).extracting(Pages.PageLink::label).containsExactly("2");
    }

    private static List<String> labels(long count, int current) {
        return Pages.Pagination.of(count, current, "/").links().stream().map(Pages.PageLink::label).toList();
    }
}
