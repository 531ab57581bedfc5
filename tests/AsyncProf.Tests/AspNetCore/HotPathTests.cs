using System;
using System.Threading.Tasks;
using AsyncProf.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.AspNetCore
{
    /// <summary>What every request that carries no trigger pays: a branch and a header lookup, no allocation.</summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class HotPathTests
    {
        static AsyncProfMiddleware Middleware(string? key, RequestDelegate next) =>
            new(next, new AsyncProfService(new AsyncProfOptions { Key = key }), NullLogger<AsyncProfMiddleware>.Instance);

        static long AllocatedBy(AsyncProfMiddleware middleware, HttpContext context, int times)
        {
            middleware.InvokeAsync(context).GetAwaiter().GetResult(); // first call: JIT, lazy headers
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < times; i++) middleware.InvokeAsync(context).GetAwaiter().GetResult();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        [TestCase(true)]
        [TestCase(false)]
        public void An_untriggered_request_allocates_nothing_in_the_middleware(bool keyConfigured)
        {
            var calls = 0;
            var middleware = Middleware(keyConfigured ? TestServer.Key.ToKeyText() : null, _ => { calls++; return Task.CompletedTask; });
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Path = "/orders/1";
            context.Request.Headers["Accept"] = "application/json";
            Assert.That(AllocatedBy(middleware, context, 10_000), Is.EqualTo(0));
            Assert.That(calls, Is.EqualTo(10_001), "every request went on to the app");
        }

        [Test]
        public void The_measurement_sees_an_allocation_when_there_is_one()
        {
            // the control: a next delegate that allocates is counted
            var middleware = Middleware(TestServer.Key.ToKeyText(), _ => Task.FromResult(new object()));
            var context = new DefaultHttpContext();
            Assert.That(AllocatedBy(middleware, context, 100), Is.GreaterThan(0));
        }
    }
}
