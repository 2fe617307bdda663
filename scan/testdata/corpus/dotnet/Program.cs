using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Acme.Tools
{
    public static class Program
    {
        private const string AccessKey = "{{KEY_ID}}";
        private const string SecretKey = "{{SECRET}}";

        public static void Main(string[] args)
        {
            var credentials = new BasicAWSCredentials(AccessKey, SecretKey);
            using var client = new AmazonS3Client(credentials, RegionEndpoint.USEast1);
            var other = new AmazonS3Client("{{OLD_KEY_ID}}", "{{SECRET}}", RegionEndpoint.EUWest1);
            var session = new SessionAWSCredentials("{{TEMP_KEY_ID}}", "{{SECRET}}", "{{TOKEN}}");
            System.Console.WriteLine("{{UUID}}");
        }
    }
}
