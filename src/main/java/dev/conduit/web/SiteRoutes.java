package dev.conduit.web;

import dev.conduit.platform.http.RouteTable;
import java.util.Set;

/** Every URL of the site, in one table: the pages ({@link PageRoutes}) and the forms that post to them ({@link FormRoutes}). */
public record SiteRoutes(PageRoutes pages, FormRoutes forms, EmailPageRoutes email) implements RouteTable.Group {
    /** The forms that hash a password (sign in, sign up). */
    public static final Set<String> PASSWORD_HASHING_POSTS = Set.of("/login", "/register");

    @Override
    public void routes(RouteTable.Paths paths) {
        paths.path("/", on -> on.get(pages::home))
                .path("/login", on -> on.get(pages::login).post(forms::login))
                .path("/register", on -> on.get(pages::register).post(forms::register))
                .path("/logout", on -> on.post(forms::logout))
                .path("/settings", on -> on.get(pages::settings).post(forms::settings))
                .path("/settings/verification", on -> on.post(forms::resendVerification))
                .path("/editor", on -> on.get(pages::newArticle).post(forms::create))
                .path("/editor/{slug}", on -> on.get(pages::editArticle).post(forms::update))
                .path("/article/{slug}", on -> on.get(pages::article))
                .path("/article/{slug}/delete", on -> on.post(forms::delete))
                .path("/article/{slug}/favorite", on -> on.post(forms::favorite))
                .path("/article/{slug}/unfavorite", on -> on.post(forms::unfavorite))
                .path("/article/{slug}/comments", on -> on.post(forms::comment))
                .path("/article/{slug}/comments/{id}/delete", on -> on.post(forms::deleteComment))
                .path("/profile/{username}", on -> on.get((req, res) -> pages.profile(req, res, false)))
                .path("/profile/{username}/favorites", on -> on.get((req, res) -> pages.profile(req, res, true)))
                .path("/profile/{username}/follow", on -> on.post(forms::follow))
                .path("/profile/{username}/unfollow", on -> on.post(forms::unfollow))
                .path("/atom.xml", on -> on.get(pages::atom))
                .path("/verify-email", on -> on.get(email::verify))
                .path("/unsubscribe", on -> on.get(email::confirmUnsubscribe).post(email::unsubscribe))
                .path(Assets.PREFIX + "*", on -> on.get(pages::asset));
    }
}
