namespace BuildIntegration;

// A small async workload: run it from a profiling build with ASYNCPROF_OUTPUT set, e.g.
//   ASYNCPROF_OUTPUT=profile.json dotnet run -p:Profile=true
public static class Program
{
    public static async Task Main()
    {
        var orders = await Task.WhenAll(Enumerable.Range(1, 4).Select(OrderDesk.PlaceAsync));
        Console.WriteLine("ViaFody: placed " + orders.Length + " orders, total " + orders.Sum());
    }
}

public static class OrderDesk
{
    public static async Task<int> PlaceAsync(int id)
    {
        await Task.Delay(20 * id);                        // waiting: wall time, no CPU
        var price = await Task.Run(() => Price(id));      // work on the thread pool, counted under this call
        await Inventory.ReserveAsync(id);
        return price;
    }

    static int Price(int id)
    {
        var sum = 0;
        for (var i = 0; i < 200_000; i++) sum = unchecked(sum * 31 + id + i) & 0xFFFF;
        return sum;
    }
}

public static class Inventory
{
    public static async Task ReserveAsync(int id)
    {
        await Task.Yield();
        if (id < 0) throw new ArgumentOutOfRangeException(nameof(id));
    }
}
