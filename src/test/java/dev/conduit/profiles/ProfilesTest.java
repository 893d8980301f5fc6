package dev.conduit.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.Api;
import dev.conduit.TestServer;
import org.junit.jupiter.api.Test;

class ProfilesTest {
    private final Api api = TestServer.api();

    @Test
    void profileIsPublicAndFollowingIsFalseForStrangers() {
        var celeb = api.register("celeb");

        var res = api.get("/profiles/" + celeb.username());

        assertThat(res.status()).isEqualTo(200);
        assertThat(res.text("/profile/username")).isEqualTo(celeb.username());
        assertThat(res.at("/profile/bio").isNull()).isTrue();
        assertThat(res.at("/profile/image").isNull()).isTrue();
        assertThat(res.at("/profile/following").asBoolean()).isFalse();
        assertThat(res.body()).doesNotContain("email");
    }

    @Test
    void followAndUnfollowAreVisibleToTheFollowerOnly() {
        var fan = api.register("fan");
        var other = api.register("other");
        var celeb = api.register("celeb");

        var followed = api.post("/profiles/" + celeb.username() + "/follow", null, fan.token());
        assertThat(followed.status()).isEqualTo(200);
        assertThat(followed.at("/profile/following").asBoolean()).isTrue();
        assertThat(api.get("/profiles/" + celeb.username(), fan.token()).at("/profile/following").asBoolean())
                .isTrue();
        assertThat(api.get("/profiles/" + celeb.username(), other.token()).at("/profile/following").asBoolean())
                .isFalse();

        var unfollowed = api.delete("/profiles/" + celeb.username() + "/follow", fan.token());
        assertThat(unfollowed.status()).isEqualTo(200);
        assertThat(unfollowed.at("/profile/following").asBoolean()).isFalse();
        assertThat(api.get("/profiles/" + celeb.username(), fan.token()).at("/profile/following").asBoolean())
                .isFalse();
    }

    @Test
    void followAndUnfollowAreIdempotent() {
        var fan = api.register("fan");
        var celeb = api.register("celeb");

        api.post("/profiles/" + celeb.username() + "/follow", null, fan.token());
        var again = api.post("/profiles/" + celeb.username() + "/follow", null, fan.token());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.at("/profile/following").asBoolean()).isTrue();

        api.delete("/profiles/" + celeb.username() + "/follow", fan.token());
        var unfollowAgain = api.delete("/profiles/" + celeb.username() + "/follow", fan.token());
        assertThat(unfollowAgain.status()).isEqualTo(200);
        assertThat(unfollowAgain.at("/profile/following").asBoolean()).isFalse();
    }

    @Test
    void usernamesMatchWhateverTheCase() {
        var celeb = api.register("Case");

        assertThat(api.get("/profiles/" + celeb.username().toUpperCase()).text("/profile/username"))
                .isEqualTo(celeb.username());
    }

    @Test
    void followingYourselfIsRejected() {
        var me = api.register("me");

        var res = api.post("/profiles/" + me.username() + "/follow", null, me.token());

        res.assertError(422, "profile", "cannot follow yourself");
    }

    @Test
    void unknownProfilesAre404AndFollowNeedsAuth() {
        var user = api.register("ghostfan");

        api.get("/profiles/no-such-user-xyz").assertError(404, "profile", "not found");
        api.post("/profiles/no-such-user-xyz/follow", null, user.token()).assertError(404, "profile", "not found");
        api.delete("/profiles/no-such-user-xyz/follow", user.token()).assertError(404, "profile", "not found");
        api.post("/profiles/" + user.username() + "/follow", null, null).assertError(401, "token", "is missing");
        api.delete("/profiles/" + user.username() + "/follow", null).assertError(401, "token", "is missing");
    }
}
