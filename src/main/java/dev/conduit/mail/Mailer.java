package dev.conduit.mail;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

/**
 * Sends mail over SMTP (Angus Mail) to the server {@code SMTP_URL} names: {@code smtp://[user:password@]host[:port]}
 * (STARTTLS when the server offers it; {@code ?starttls=required} insists on it), or {@code smtps://...} (TLS from the
 * first byte, port 465 by default). One connection per message: the daily cap keeps the volume low.
 */
final class Mailer {
    private static final String TIMEOUT_MILLIS = "10000";

    /** One message: {@code messageId} is the same for every attempt at it, so receivers drop repeats. */
    record Message(String to, String subject, String text, String messageId, Optional<String> unsubscribeUrl) {
    }

    private final Session session;
    private final InternetAddress from;
    private final String user;
    private final String password;

    Mailer(URI smtp, InternetAddress from) {
        boolean tls = "smtps".equals(smtp.getScheme());
        var props = new Properties();
        props.put("mail.smtp.host", smtp.getHost());
        props.put("mail.smtp.port", Integer.toString(smtp.getPort() > 0 ? smtp.getPort() : tls ? 465 : 25));
        props.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
        props.put("mail.smtp.timeout", TIMEOUT_MILLIS);
        props.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
        props.put("mail.smtp.ssl.enable", Boolean.toString(tls));
        props.put("mail.smtp.ssl.checkserveridentity", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required",
                Boolean.toString(String.valueOf(smtp.getQuery()).contains("starttls=required")));
        String userInfo = smtp.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            props.put("mail.smtp.auth", "true");
        } else {
            user = null;
            password = null;
        }
        this.session = Session.getInstance(props);
        this.from = from;
    }

    void send(Message message) throws MessagingException {
        var mime = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", message.messageId());
            }
        };
        mime.setFrom(from);
        mime.setRecipients(RecipientType.TO, InternetAddress.parse(message.to(), true));
        mime.setSubject(message.subject(), StandardCharsets.UTF_8.name());
        mime.setText(message.text(), StandardCharsets.UTF_8.name());
        if (message.unsubscribeUrl().isPresent()) {
            // RFC 8058: mail clients show an unsubscribe button, which POSTs to the link
            mime.setHeader("List-Unsubscribe", "<" + message.unsubscribeUrl().get() + ">");
            mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        mime.saveChanges();
        if (user == null) {
            Transport.send(mime);
        } else {
            Transport.send(mime, user, password);
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
