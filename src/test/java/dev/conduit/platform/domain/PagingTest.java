package dev.conduit.platform.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PagingTest {
    @Test
    void absentOrBlankValuesMeanTheDefaults() {
        assertThat(Paging.of(Optional.empty(), Optional.empty())).isEqualTo(new Paging(20, 0));
        assertThat(Paging.of(Optional.of(" "), Optional.of(""))).isEqualTo(new Paging(20, 0));
        assertThat(Paging.of(Optional.of(" 100 "), Optional.of("1000000"))).isEqualTo(new Paging(100, 1_000_000));
    }

    @Test
    void everyBadValueIsNamedAtOnce() {
        var thrown = catchThrowableOfType(Failure.Invalid.class,
                () -> Paging.of(Optional.of("0"), Optional.of("-1")));

        assertThat(thrown.errors()).isEqualTo(Map.of(
                "limit", List.of("must be an integer from 1 to 100"),
                "offset", List.of("must be an integer from 0 to 1000000")));
    }

    @Test
    void rangesReadDecimalIntegersWithinThem() {
        var range = new IntRange(1, 100);

        assertThat(range.parse("1")).hasValue(1);
        assertThat(range.parse(" 100\t")).hasValue(100);
        assertThat(range.parse("+7")).hasValue(7);
        for (String bad : List.of("0", "101", "-1", "1.5", "1e2", "0x10", "", "ten", "99999999999999999999")) {
            assertThat(range.parse(bad)).as(bad).isEqualTo(OptionalInt.empty());
        }
        assertThat(range).hasToString("an integer from 1 to 100");
    }
}
