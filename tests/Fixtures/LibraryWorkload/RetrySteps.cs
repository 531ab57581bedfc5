using System;
using System.Threading;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;

namespace LibraryWorkload
{
    /// <summary>A Polly retry pipeline around a call that fails once, then succeeds.</summary>
    public static class RetrySteps
    {
        public const int Operations = 3;

        public sealed class TransientException : Exception
        {
            public TransientException(string message) : base(message) { }
        }

        public static async Task RunAsync()
        {
            var pipeline = new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<TransientException>(),
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(5),
                    BackoffType = DelayBackoffType.Constant,
                    UseJitter = false,
                })
                .Build();
            for (var op = 0; op < Operations; op++) await Retried(pipeline, op);
        }

        /// <summary>ExecuteAsync once; the callback runs twice, the first time faulting.</summary>
        static async Task Retried(ResiliencePipeline pipeline, int op)
        {
            var attempts = 0;
            var result = await pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                await Task.Delay(2, token);
                if (attempts == 1) throw new TransientException($"operation {op} fails once");
                return op * 10;
            }, CancellationToken.None);
            Console.WriteLine($"polly operation {op}: result {result} after {attempts} attempts");
        }
    }
}
