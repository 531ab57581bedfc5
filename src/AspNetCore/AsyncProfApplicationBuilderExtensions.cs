using System;
using Microsoft.AspNetCore.Builder;

namespace AsyncProf.AspNetCore
{
    public static class AsyncProfApplicationBuilderExtensions
    {
        /// <summary>
        /// Profiles, alone, each request that carries <c>X-AsyncProf: &lt;secret&gt;</c> (or that
        /// <see cref="AsyncProfOptions.ShouldProfile"/> picks), writing one profile per request to
        /// <see cref="AsyncProfOptions.OutputDirectory"/> and naming it in the <c>X-AsyncProf-Profile</c> response
        /// header. Put it first so the whole pipeline is inside the scope. Only woven code is recorded.
        /// </summary>
        public static IApplicationBuilder UseAsyncProf(this IApplicationBuilder app, Action<AsyncProfOptions> configure)
        {
            var options = new AsyncProfOptions();
            configure(options);
            return app.UseMiddleware<AsyncProfMiddleware>(options);
        }
    }
}
