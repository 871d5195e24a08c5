"""The embedded local stack: moto, the Chalice local server and the Lambda event pump."""
