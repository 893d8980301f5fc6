/**
 * The vocabulary logic and stores speak without knowing HTTP: the closed set of {@link
 * dev.conduit.platform.domain.Failure}s, the field {@link dev.conduit.platform.domain.Violations} an invalid
 * request collects, and the {@link dev.conduit.platform.domain.Paging} lists accept. Depends on nothing of ours.
 */
package dev.conduit.platform.domain;
