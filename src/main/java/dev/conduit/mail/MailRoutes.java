package dev.conduit.mail;

import dev.conduit.platform.domain.Failure;
import dev.conduit.platform.http.Auth;
import dev.conduit.platform.http.JsonBody;
import dev.conduit.platform.http.RouteTable;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * The API of email: send the verification link again, follow one, and the one-click unsubscribe that mail clients
 * POST to (RFC 8058; the token in the link is what authorizes). Not found while email is off (no {@code SMTP_URL}).
 */
public record MailRoutes(Optional<Mail> mail, Auth auth) implements RouteTable.Group {
    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/user/email/verification", on -> on.post(this::resend))
                .path("/email/verification", on -> on.post(this::verify))
                .path("/email/unsubscribe", on -> on.post(this::unsubscribe));
    }

    private void resend(ServerRequest req, ServerResponse res) {
        if (!on().resendVerification(auth.required(req).userId())) {
            throw new Failure.Invalid("email", "is verified already");
        }
        res.status(Status.ACCEPTED_202).send();
    }

    private void verify(ServerRequest req, ServerResponse res) {
        String token = JsonBody.read(req, "verification").text("token");
        if (!on().verify(token)) {
            throw new Failure.Invalid("token", "is not valid: expired, or for an address the account no longer has");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void unsubscribe(ServerRequest req, ServerResponse res) {
        if (on().unsubscribe(req.query().first("token").orElse("")).isEmpty()) {
            throw new Failure.Invalid("token", "is not valid");
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private Mail on() {
        return mail.orElseThrow(() -> new Failure.NotFound("email"));
    }
}
