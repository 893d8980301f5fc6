package dev.conduit.web;

import dev.conduit.mail.Mail;
import dev.conduit.platform.domain.Failure;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where our emails' links lead: {@code /verify-email} (following it verifies the address) and {@code /unsubscribe}
 * (a button that turns the notice off: mail scanners that open links must not unsubscribe anyone). The token in the
 * link is what authorizes, so these forms carry no form token. Not found while email is off.
 */
public record EmailPageRoutes(PageRoutes pages, Site site, Optional<Mail> mail) {
    void verify(ServerRequest req, ServerResponse res) {
        boolean verified = on().verify(token(req));
        var visit = pages.visit(req, res);
        PageRoutes.send(req, res, visit, verified ? Status.OK_200 : Status.BAD_REQUEST_400, verified
                ? site.message(visit, "Address verified", "Thank you: your email address is verified.", null, null)
                : site.message(visit, "Link not valid", "This link has expired, or your address has changed since"
                        + " it was sent. Ask for a new one from your settings.", null, null));
    }

    void confirmUnsubscribe(ServerRequest req, ServerResponse res) {
        var visit = pages.visit(req, res);
        PageRoutes.send(req, res, visit, Status.OK_200, site.message(visit, "Unsubscribe",
                "Stop these emails? You can turn them on again in your settings.",
                "/unsubscribe?token=" + URLEncoder.encode(token(req), StandardCharsets.UTF_8), "Unsubscribe"));
    }

    void unsubscribe(ServerRequest req, ServerResponse res) {
        var kind = on().unsubscribe(token(req));
        var visit = pages.visit(req, res);
        PageRoutes.send(req, res, visit, kind.isPresent() ? Status.OK_200 : Status.BAD_REQUEST_400, kind.isPresent()
                ? site.message(visit, "Unsubscribed", "You will get no more emails about new " + kind.get() + ".",
                        null, null)
                : site.message(visit, "Link not valid", "This unsubscribe link is not valid.", null, null));
    }

    private Mail on() {
        return mail.orElseThrow(() -> new Failure.NotFound("page"));
    }

    private static String token(ServerRequest req) {
        return req.query().first("token").orElse("");
    }
}
