package dev.conduit.webhooks;

/** A user's webhooks changed (one registered, deleted, its events changed): what they want is read again. */
record WebhooksChanged(long userId) {
}
