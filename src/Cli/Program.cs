using System;

namespace AsyncProf.Cli
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            var code = CliApp.Run(args, Console.Out, Console.Error);
            Console.Out.Flush();
            Console.Error.Flush();
            return code;
        }
    }
}
