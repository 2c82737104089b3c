-- findDataChangesAfter
select "id", "at", "kind", "layers", "regions" from "data_changes" where "id" > $1 order by "id" limit $2;

-- findDataVersions
select "id", "at" from "data_changes" order by "id" desc limit $1;

SELECT l.layer, max(c.id)::int AS version
    FROM data_changes c, jsonb_array_elements_text(c.layers) AS l(layer)
    GROUP BY l.layer
    ORDER BY l.layer;

-- findLayerCommunities
select distinct "g"."community_code" as "code" from "grids" as "g" inner join "grid_layers" as "l" on "l"."id" = "g"."layer_id" where "l"."department" = $1 and "l"."version" = $2 and "g"."community_code" is not null order by "g"."community_code";

-- findRunCommunities
select distinct "community_code" as "code" from "unified_grids" where "merge_run_id" = $1 order by "community_code";

-- insertDataChange
insert into "data_changes" ("kind", "layers", "regions", "details") values ($1, $2, $3, $4) returning "id", "at";
