"""The main job: a day of orders through the flow, partition by partition."""
