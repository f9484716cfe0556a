package dev.inferbus.local.iam.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inferbus.local.relay.ProxiedRequest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB (AWS JSON 1.0, {@code X-Amz-Target: DynamoDB_20120810.<Operation>}): the action is {@code dynamodb:} and
 * the operation, on the table the body names. Batch operations ask their action on each table of
 * {@code RequestItems}; transactions have no action of their own and ask each item's (Put is {@code PutItem}, Get
 * {@code GetItem}, ConditionCheck {@code ConditionCheckItem}…) on its table ("Using IAM with DynamoDB transactions",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html). A Query or Scan of an
 * index is asked on the index's ARN, {@code table/NAME/index/INDEX} ("Actions, resources, and condition keys for
 * Amazon DynamoDB", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */
final class DynamoDbCalls implements Classifier {

    private static final Map<String, String> TRANSACT_ACTIONS = Map.of("Put", "PutItem", "Update", "UpdateItem",
            "Delete", "DeleteItem", "ConditionCheck", "ConditionCheckItem", "Get", "GetItem");

    private final Arns arns;

    DynamoDbCalls(Arns arns) {
        this.arns = arns;
    }

    @Override
    public List<ServiceCall> classify(ProxiedRequest request) {
        String operation = request.operation();
        JsonNode body = Bodies.tree(request);
        Set<ServiceCall> calls = new LinkedHashSet<>();
        switch (operation) {
            case "BatchGetItem", "BatchWriteItem" -> body.path("RequestItems").fieldNames()
                    .forEachRemaining(table -> calls.add(call(operation, table(table))));
            case "TransactWriteItems", "TransactGetItems" -> body.path("TransactItems").forEach(item ->
                    item.fieldNames().forEachRemaining(kind -> {
                        String action = TRANSACT_ACTIONS.get(kind);
                        String table = Bodies.text(item.path(kind), "TableName");
                        if (action != null && table != null) {
                            calls.add(call(action, table(table)));
                        }
                    }));
            default -> calls.add(call(operation, resource(body)));
        }
        if (calls.isEmpty()) {
            // a batch or transaction naming no table: the service refuses it, once it is known who may call it
            calls.add(call(operation, "*"));
        }
        return List.copyOf(calls);
    }

    private String resource(JsonNode body) {
        String table = Bodies.text(body, "TableName");
        if (table == null) {
            // tagging and resource policies name an ARN; ListTables, DescribeLimits… name nothing
            String arn = Bodies.text(body, "ResourceArn");
            return arn == null ? "*" : arn;
        }
        String index = Bodies.text(body, "IndexName");
        return table(table) + (index == null ? "" : "/index/" + index);
    }

    /** A table's ARN; TableName may already be one. */
    private String table(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn : arns.table(nameOrArn);
    }

    private static ServiceCall call(String operation, String resource) {
        return new ServiceCall("dynamodb:" + operation, resource);
    }
}
