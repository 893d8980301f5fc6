package dev.conduit.platform.http;

import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Map;

/** Errors answered as pages, for the paths a web site serves; the API's paths keep their JSON errors. */
public interface ErrorPages {
    ErrorPages NONE = new ErrorPages() {
        @Override
        public boolean serves(String path) {
            return false;
        }

        @Override
        public byte[] page(ServerRequest req, Status status, Map<String, List<String>> errors) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] pageForAnyone(Status status, Map<String, List<String>> errors) {
            throw new UnsupportedOperationException();
        }
    };

    /** Whether the errors of requests for {@code path} (the whole raw path, no query) are pages. */
    boolean serves(String path);

    /** The HTML page of an error: its status and what the API's body would say ({@code errors}). */
    byte[] page(ServerRequest req, Status status, Map<String, List<String>> errors);

    /** The same page as seen by anyone: for errors answered before the request is routed (its cookies unread). */
    byte[] pageForAnyone(Status status, Map<String, List<String>> errors);
}
