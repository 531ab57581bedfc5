using System;
using System.Collections.Generic;
using Newtonsoft.Json;

namespace LibraryWorkload
{
    /// <summary>Newtonsoft.Json: each order serialized once and read back once.</summary>
    public static class JsonSteps
    {
        public const int Orders = 10;

        public static List<Order> Run()
        {
            var orders = new List<Order>();
            for (var i = 0; i < Orders; i++) orders.Add(RoundTrip(MakeOrder(i)));
            return orders;
        }

        // Every third order has no customer, every fourth a line with no quantity: the validation step rejects those.
        static Order MakeOrder(int i)
        {
            var order = new Order { Id = i, Customer = i % 3 == 0 ? "" : $"customer {i}" };
            for (var l = 0; l <= i % 3; l++)
                order.Lines.Add(new OrderLine { Product = $"product {l}", Quantity = i % 4 == 0 && l == 0 ? 0 : l + 1, Price = 1.25m * (l + i) });
            return order;
        }

        /// <summary>SerializeObject once, DeserializeObject once.</summary>
        static Order RoundTrip(Order order)
        {
            var json = JsonConvert.SerializeObject(order);
            var back = JsonConvert.DeserializeObject<Order>(json)!;
            Console.WriteLine($"json {json} -> {back.Lines.Count} lines");
            return back;
        }
    }
}
