package dev.conduit.platform.http;

import dev.conduit.platform.observe.RequestRecord;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Every route the API serves, as (method, path template), filled as the features register their handlers
 * through it. A path's methods are declared together; every other method on that path then gets one answer
 * derived from them: OPTIONS lists them (204 with {@code Allow}), anything else is a 405 with the same list.
 */
public final class RouteTable {
    /** One route: {@code GET /api/articles/{slug}}, say. */
    public record Route(Method method, String template) {
    }

    /** A feature's routes (its {@code *Routes} class). */
    public interface Group {
        void routes(Paths paths);
    }

    private final String prefix;
    private final List<Route> routes = new ArrayList<>();

    /** A table of the routes served under {@code prefix} ({@code /api}). */
    public RouteTable(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix every route of the table is served under. */
    public String prefix() {
        return prefix;
    }

    /** Registers each group's routes under the prefix, in order: earlier paths win where templates overlap. */
    public void register(HttpRules rules, Group... groups) {
        HttpService service = prefixed -> {
            var paths = new Paths(prefixed);
            for (Group group : groups) {
                group.routes(paths);
            }
        };
        rules.register(prefix, service);
    }

    /** The routes registered so far, in order (Cors lists their methods). */
    public synchronized List<Route> routes() {
        return List.copyOf(routes);
    }

    private synchronized void add(Route route) {
        routes.add(route);
    }

    /** Names the route on the request's record, for its metrics and access line: the template, never the path. */
    private static Handler routed(String route, Handler handler) {
        return (req, res) -> {
            var record = RequestRecord.current();
            if (record != null) {
                record.route(route);
            }
            handler.handle(req, res);
        };
    }

    /** Declares paths, each with all of its methods. */
    public final class Paths {
        private final HttpRules rules;

        private Paths(HttpRules rules) {
            this.rules = rules;
        }

        public Paths path(String template, Consumer<Methods> declare) {
            var methods = new Methods();
            declare.accept(methods);
            String route = prefix + template;
            methods.handlers.forEach((method, handler) -> {
                rules.route(method, template, routed(route, handler));
                add(new Route(method, route));
            });
            String allow = methods.handlers.keySet().stream().map(Method::text).collect(Collectors.joining(", "));
            rules.any(template, routed(route, ErrorResponses.otherMethods(allow)));
            return this;
        }
    }

    /** The methods of one path and their handlers. */
    public static final class Methods {
        private final Map<Method, Handler> handlers = new LinkedHashMap<>();

        public Methods get(Handler handler) {
            return on(Method.GET, handler);
        }

        public Methods post(Handler handler) {
            return on(Method.POST, handler);
        }

        public Methods put(Handler handler) {
            return on(Method.PUT, handler);
        }

        public Methods delete(Handler handler) {
            return on(Method.DELETE, handler);
        }

        private Methods on(Method method, Handler handler) {
            if (handlers.putIfAbsent(method, handler) != null) {
                throw new IllegalStateException(method.text() + " declared twice for one path");
            }
            return this;
        }
    }
}
