package dev.conduit.webhooks;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.Json;
import dev.conduit.platform.http.JsonBody;
import dev.conduit.platform.http.Params;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.UUID;

/** {@code /user/webhooks}: the signed-in user's webhooks, their secrets' rotation and their deliveries. */
public record WebhookRoutes(Webhooks webhooks, Auth auth) implements RouteTable.Group {
    private static final int DELIVERIES_LISTED = 50;

    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/user/webhooks", on -> on.get(this::list).post(this::register))
                .path("/user/webhooks/{id}", on -> on.delete(this::delete))
                .path("/user/webhooks/{id}/secret", on -> on.post(this::rotate))
                .path("/user/webhooks/{id}/deliveries", on -> on.get(this::deliveries))
                .path("/user/webhooks/{id}/deliveries/{delivery}/redeliver", on -> on.post(this::redeliver));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Json.ok(req, res, Map.of("webhooks", webhooks.list(auth.required(req).userId())));
    }

    private void register(ServerRequest req, ServerResponse res) {
        long user = auth.required(req).userId();
        var body = JsonBody.read(req, "webhook");
        Json.send(req, res, Status.CREATED_201,
                Map.of("webhook", webhooks.register(user, body.text("url"), body.textList("events"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        webhooks.delete(auth.required(req).userId(), Params.pathId(req, "id"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        Json.ok(req, res, Map.of("webhook", webhooks.rotate(auth.required(req).userId(), Params.pathId(req, "id"))));
    }

    private void deliveries(ServerRequest req, ServerResponse res) {
        Json.ok(req, res, Map.of("deliveries",
                webhooks.deliveries(auth.required(req).userId(), Params.pathId(req, "id"), DELIVERIES_LISTED)));
    }

    private void redeliver(ServerRequest req, ServerResponse res) {
        UUID delivery;
        try {
            delivery = UUID.fromString(Params.path(req, "delivery"));
        } catch (IllegalArgumentException e) {
            throw new Failure.NotFound("delivery");
        }
        webhooks.redeliver(auth.required(req).userId(), Params.pathId(req, "id"), delivery);
        res.status(Status.ACCEPTED_202).send();
    }
}
