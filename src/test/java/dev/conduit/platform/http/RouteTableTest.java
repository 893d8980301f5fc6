package dev.conduit.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final Handler OK = (req, res) -> res.send();

    @Test
    void theTableHoldsEachRouteUnderThePrefixInTheOrderDeclared() {
        var table = new RouteTable("/api");
        RouteTable.Group first = paths -> paths.path("/things", on -> on.get(OK).post(OK));
        RouteTable.Group second = paths -> paths.path("/things/{id}", on -> on.get(OK).put(OK).delete(OK));

        build(table, first, second);

        assertThat(table.routes()).containsExactly(
                new RouteTable.Route(Method.GET, "/api/things"),
                new RouteTable.Route(Method.POST, "/api/things"),
                new RouteTable.Route(Method.GET, "/api/things/{id}"),
                new RouteTable.Route(Method.PUT, "/api/things/{id}"),
                new RouteTable.Route(Method.DELETE, "/api/things/{id}"));
    }

    /** Services registered on a routing declare their routes when it is built. */
    private static void build(RouteTable table, RouteTable.Group... groups) {
        var routing = HttpRouting.builder();
        table.register(routing, groups);
        routing.build();
    }

    @Test
    void aMethodDeclaredTwiceForOnePathIsABug() {
        var table = new RouteTable("/api");
        RouteTable.Group twice = paths -> paths.path("/things", on -> on.get(OK).get(OK));

        assertThatThrownBy(() -> build(table, twice))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET declared twice");
    }
}
