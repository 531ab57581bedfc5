using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.AspNetCore;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>The wait between failed Pyroscope pushes: doubled after each failure, never more than a minute.</summary>
    public class PushRetryDelayTests
    {
        [Test]
        public void The_cap_is_one_minute() => Assert.That(PushRetryDelay.Max, Is.EqualTo(TimeSpan.FromMinutes(1)));

        [Test]
        public void The_delay_doubles_after_each_failure_until_the_cap()
        {
            var waits = new List<TimeSpan>();
            var delay = TimeSpan.FromSeconds(1); // the default RetryDelay
            for (var i = 0; i < 9; i++)
            {
                waits.Add(delay);
                delay = PushRetryDelay.Next(delay);
            }
            Assert.That(waits, Is.EqualTo(new[] { 1, 2, 4, 8, 16, 32, 60, 60, 60 }.Select(s => TimeSpan.FromSeconds(s))));
        }

        [TestCase(50, 100)]
        [TestCase(29_999, 59_998)]
        public void A_delay_under_half_the_cap_doubles(int milliseconds, int next) =>
            Assert.That(PushRetryDelay.Next(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(TimeSpan.FromMilliseconds(next)));

        [TestCase(30_000)]
        [TestCase(45_000)]
        [TestCase(60_000)]
        [TestCase(3_600_000)]
        public void A_delay_from_half_the_cap_on_is_the_cap(int milliseconds) =>
            Assert.That(PushRetryDelay.Next(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(TimeSpan.FromMinutes(1)));

        [Test]
        public void The_longest_delay_does_not_overflow() =>
            Assert.That(PushRetryDelay.Next(TimeSpan.MaxValue), Is.EqualTo(TimeSpan.FromMinutes(1)), "doubling it would throw");
    }
}
