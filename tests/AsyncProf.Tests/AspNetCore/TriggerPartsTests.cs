using System;
using System.Text;
using AsyncProf.AspNetCore;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>The key text, the token, the nonce cache and the store, each on its own.</summary>
    public class TriggerPartsTests
    {
        [Test]
        public void A_new_key_reads_back_as_itself()
        {
            var key = TriggerKey.New();
            var text = key.ToKeyText();
            Assert.That(text, Does.Match("^k[0-9a-f]{8}:[A-Za-z0-9+/]{43}=$"));
            var back = TriggerKey.Parse(text + "\n");
            Assert.That(back.Id, Is.EqualTo(key.Id));
            Assert.That(back.Secret, Is.EqualTo(key.Secret));
            Assert.That(TriggerKey.New().ToKeyText(), Is.Not.EqualTo(text));
        }

        [TestCase("nocolon", "expected <id>:<base64 secret>")]
        [TestCase(":AAAAAAAAAAAAAAAAAAAAAA==", "is not 1 to 32")]
        [TestCase("bad id:AAAAAAAAAAAAAAAAAAAAAA==", "is not 1 to 32")]
        [TestCase("k1:not base64!", "is not base64")]
        [TestCase("k1:AAAA", "fewer than 16")]
        public void A_bad_key_text_says_what_is_wrong(string text, string message)
        {
            var e = Assert.Throws<FormatException>(() => TriggerKey.Parse(text));
            Assert.That(e!.Message, Does.Contain(message));
        }

        [Test]
        public void A_token_is_signed_over_method_target_expiry_and_nonce()
        {
            var key = TriggerKey.New();
            var token = TriggerToken.Create(key, "GET", "/a?b=1", DateTimeOffset.FromUnixTimeSeconds(2_000_000_000));
            Assert.That(TriggerToken.TryParse(token, out var parsed), Is.True);
            Assert.That(parsed.KeyId, Is.EqualTo(key.Id));
            Assert.That(parsed.ExpiresUnixSeconds, Is.EqualTo(2_000_000_000));
            using var hmac = new System.Security.Cryptography.HMACSHA256(key.Secret);
            var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes($"asyncprof-trigger-v1\n{key.Id}\nGET\n/a?b=1\n2000000000\n{parsed.Nonce}"));
            Assert.That(parsed.Signature, Is.EqualTo(expected));
        }

        [Test]
        public void The_verifier_accepts_a_token_once_and_names_each_fault()
        {
            var key = TriggerKey.New();
            var now = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);
            var verifier = new TriggerVerifier(key, TimeSpan.FromMinutes(5), 100, () => now);
            var good = TriggerToken.Create(key, "GET", "/x", now.AddMinutes(1));
            Assert.That(verifier.Verify(good, "GET", "/y"), Is.EqualTo(TriggerRejection.BadSignature));
            Assert.That(verifier.Verify(good, "GET", "/x"), Is.EqualTo(TriggerRejection.None));
            Assert.That(verifier.Verify(good, "GET", "/x"), Is.EqualTo(TriggerRejection.Replayed));
            Assert.That(verifier.Verify(TriggerToken.Create(key, "GET", "/x", now.AddSeconds(-1)), "GET", "/x"), Is.EqualTo(TriggerRejection.Expired));
            Assert.That(verifier.Verify(TriggerToken.Create(key, "GET", "/x", now.AddHours(1)), "GET", "/x"), Is.EqualTo(TriggerRejection.TooFarAhead));
            Assert.That(verifier.Verify(TriggerToken.Create(TriggerKey.New(), "GET", "/x", now.AddMinutes(1)), "GET", "/x"), Is.EqualTo(TriggerRejection.WrongKey));
            Assert.That(verifier.Verify("junk", "GET", "/x"), Is.EqualTo(TriggerRejection.Malformed));
        }

        [Test]
        public void The_nonce_cache_forgets_expired_nonces_and_refuses_when_full_of_live_ones()
        {
            var cache = new NonceCache(2);
            Assert.That(cache.TryUse("a", 100, 10), Is.True);
            Assert.That(cache.TryUse("a", 100, 10), Is.False, "a replay");
            Assert.That(cache.TryUse("b", 200, 10), Is.True);
            Assert.That(cache.TryUse("c", 200, 10), Is.False, "full of unexpired nonces: refused, not evicted");
            Assert.That(cache.TryUse("c", 200, 150), Is.True, "a expired at 100, making room");
            Assert.That(cache.Count, Is.EqualTo(2));
        }

        [Test]
        public void A_replay_in_the_second_its_token_expires_is_refused_even_if_its_nonce_was_just_forgotten()
        {
            var cache = new NonceCache(4);
            Assert.That(cache.TryUse("a", 100, () => 100), Is.True, "valid through its expiry second");
            Assert.That(cache.TryUse("b", 200, () => 101), Is.True, "a later request forgets a, which expired at 100");
            // the replay verified its expiry at 100, but reaches the cache after the purge: the clock is read there
            Assert.That(cache.TryUse("a", 100, () => 101), Is.False);
        }

        [Test]
        public void Sampling_leaves_the_last_profiling_place_to_triggers()
        {
            var service = new AsyncProfService(new AsyncProfOptions { MaxConcurrentProfiles = 3 });
            Assert.That(service.TryStartProfiling(sampled: true), Is.True);
            Assert.That(service.TryStartProfiling(sampled: true), Is.True);
            Assert.That(service.TryStartProfiling(sampled: true), Is.False, "the third place is kept for a trigger");
            Assert.That(service.TryStartProfiling(), Is.True);
            Assert.That(service.TryStartProfiling(), Is.False, "all three taken");
            Assert.That(new AsyncProfService(new AsyncProfOptions { MaxConcurrentProfiles = 1 }).TryStartProfiling(sampled: true), Is.True,
                "with one place there is nothing to keep back");
        }

        [Test]
        public void A_store_smaller_than_one_profile_is_refused_at_startup()
        {
            var e = Assert.Throws<InvalidOperationException>(() => new AsyncProfService(new AsyncProfOptions { MaxProfileBytes = 10_000, StoreBytes = 5_000 }));
            Assert.That(e!.Message, Does.Contain("MaxProfileBytes").And.Contain("StoreBytes"));
        }

        [Test]
        public void A_reused_id_replaces_the_earlier_profile_and_evicting_nothing_loses_the_new_one()
        {
            var store = new ProfileStore(capacity: 2, maxBytes: 1000);
            var first = store.Reserve("n1");
            store.Complete(first, new byte[10]);
            var again = store.Reserve("n1"); // the key holder signed the nonce again once its token expired
            store.Complete(again, new byte[20]);
            Assert.That(store.Count, Is.EqualTo(1));
            Assert.That(store.Bytes, Is.EqualTo(20));
            store.Complete(store.Reserve("n2"), new byte[10]);
            store.Complete(store.Reserve("n3"), new byte[10]); // evicts the oldest: n1's newer entry, not a stale node
            Assert.That(store.Find("n1"), Is.Null);
            Assert.That(store.Count, Is.EqualTo(2));
            Assert.That(store.Bytes, Is.EqualTo(20));
        }

        [Test]
        public void The_store_evicts_the_oldest_finished_profiles_past_its_bytes()
        {
            var store = new ProfileStore(capacity: 10, maxBytes: 250);
            var a = store.Reserve();
            var b = store.Reserve();
            var c = store.Reserve();
            store.Complete(a, new byte[100]);
            store.Complete(c, new byte[100]);
            Assert.That(store.Count, Is.EqualTo(3), "b is still recording");
            store.Complete(b, new byte[100]);
            Assert.That(store.Find(a.Id), Is.Null, "the oldest went");
            Assert.That(store.Find(b.Id)?.Json, Has.Length.EqualTo(100));
            Assert.That(store.Find(c.Id), Is.Not.Null);
            Assert.That(store.Bytes, Is.EqualTo(200));
        }
    }
}
