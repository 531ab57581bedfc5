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
            var text = key.ToString();
            Assert.That(text, Does.Match("^k[0-9a-f]{8}:[A-Za-z0-9+/]{43}=$"));
            var back = TriggerKey.Parse(text + "\n");
            Assert.That(back.Id, Is.EqualTo(key.Id));
            Assert.That(back.Secret, Is.EqualTo(key.Secret));
            Assert.That(TriggerKey.New().ToString(), Is.Not.EqualTo(text));
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
        public void The_store_evicts_the_oldest_finished_profiles_past_its_bytes()
        {
            var store = new ProfileStore(capacity: 10, maxBytes: 250);
            var a = store.Reserve("k");
            var b = store.Reserve("k");
            var c = store.Reserve("k");
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
