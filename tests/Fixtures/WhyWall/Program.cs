using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Tasks;

namespace WhyWall
{
    /// <summary>
    /// <c>WhyWall pipeline MS</c>: three rounds of Parse, Transform and Save, Transform taking MS milliseconds on the
    /// CPU, so two runs with different MS differ in Transform alone (tests/AsyncProf.Tests/EndToEnd/DiffEndToEndTests.cs).
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "pipeline")
            {
                await Pipeline.Run(int.Parse(args[1], CultureInfo.InvariantCulture));
                Console.WriteLine("pipeline done");
                return 0;
            }
            Console.Error.WriteLine("usage: WhyWall pipeline MS");
            return 2;
        }
    }

    public static class Pipeline
    {
        public static async Task Run(int transformMs)
        {
            for (var round = 0; round < 3; round++)
            {
                Parse();
                await Transform(transformMs);
                await Save();
            }
        }

        static void Parse() => Work.Spin(20);

        static async Task Transform(int ms)
        {
            await Task.Yield();
            Work.Spin(ms);
        }

        static async Task Save() => await Task.Delay(20);
    }

    /// <summary>Left unwoven by the tests, so its time is its callers' own.</summary>
    public static class Work
    {
        /// <summary>Keeps the thread busy for <paramref name="ms"/> milliseconds of wall time.</summary>
        public static long Spin(int ms)
        {
            var clock = Stopwatch.StartNew();
            long n = 0;
            while (clock.ElapsedMilliseconds < ms) n++;
            return n;
        }
    }
}
