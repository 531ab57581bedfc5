using System;
using System.IO;
using Microsoft.AspNetCore.Http;

namespace AsyncProf.AspNetCore
{
    /// <summary>Which requests <c>UseAsyncProf</c> profiles, and where their profiles go.</summary>
    public sealed class AsyncProfOptions
    {
        /// <summary>The trigger header; a request carrying it with the <see cref="Secret"/> as value is profiled.</summary>
        public const string TriggerHeader = "X-AsyncProf";

        /// <summary>The response header naming the profile written for a profiled request (its file name).</summary>
        public const string ProfileHeader = "X-AsyncProf-Profile";

        /// <summary>
        /// The value <see cref="TriggerHeader"/> must carry. Null (the default) with no <see cref="ShouldProfile"/>:
        /// nothing is profiled, so a forgotten middleware cannot be triggered by anyone.
        /// </summary>
        public string? Secret { get; set; }

        /// <summary>Decides instead of the header when set (for example: a sampled share of requests).</summary>
        public Func<HttpContext, bool>? ShouldProfile { get; set; }

        /// <summary>Where profiles are written, one file per profiled request.</summary>
        public string OutputDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "asyncprof");

        /// <summary>
        /// The file extension, which picks the format: <c>.json</c> (asyncprof/1), or with AsyncProf.Reports.dll
        /// beside the runtime <c>.html</c>, <c>.speedscope.json</c>, <c>.pb.gz</c>, ...
        /// </summary>
        public string Extension { get; set; } = ".json";
    }
}
