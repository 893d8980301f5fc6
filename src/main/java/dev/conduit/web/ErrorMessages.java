package dev.conduit.web;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What an error page tells a reader, from the status and the API's description of the error. */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String of(int status, Map<String, List<String>> errors) {
        return switch (status) {
            case 400 -> "The request could not be read.";
            case 401 -> "Please sign in again.";
            case 403 -> errors.containsKey("form")
                    ? "The form was not sent from this site's own page, or it has expired: go back, reload the page "
                      + "and send it again."
                    : "That belongs to someone else.";
            case 404 -> "There is no such page here" + (errors.containsKey("route") ? "." : ", or not any more.");
            case 429, 503 -> sentence(errors) + " Please try again shortly.";
            case 500 -> "Something went wrong on our side: " + sentence(errors);
            default -> sentence(errors);
        };
    }

    private static String sentence(Map<String, List<String>> errors) {
        return errors.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(message -> e.getKey() + " " + message))
                .collect(Collectors.joining("; ", "", "."));
    }
}
