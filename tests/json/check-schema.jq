# A document against tests/json/schema.json: one line per violation, none
# when it conforms. jq -r --slurpfile schema schema.json --arg verb VERB
# -f check-schema.jq DOC. The subset of JSON Schema it knows is described
# in the schema's own "description".

def is_type($t):
	if $t == "integer" then type == "number" and . == floor
	else type == $t end;

def short: tojson | if length > 60 then .[0:57] + "..." else . end;

# the schema for one key of an object: properties, then patternProperties,
# then additionalProperties (absent: none)
def key_schema($s; $k):
	if ($s.properties // {}) | has($k) then $s.properties[$k]
	else
		([($s.patternProperties // {}) | to_entries[] | select(.key as $p | $k | test($p)) | .value]
		 | if length > 0 then .[0]
		   elif ($s.additionalProperties | type) == "object" then $s.additionalProperties
		   else null end)
	end;

def check($root; $s; $path):
	. as $v
	| if $s["$ref"] then
		check($root; $root.definitions[$s["$ref"] | ltrimstr("#/definitions/")]; $path)
	else
		( if $s.type == null or ([$s.type] | flatten | any(. as $t | $v | is_type($t))) then empty
		  else "\($path): \($v | short) is not \([$s.type] | flatten | join(" or "))" end ),
		( if $s.enum == null or ($s.enum | any(. == $v)) then empty
		  else "\($path): \($v | short) is none of \($s.enum | tojson)" end ),
		( if ($v | type) != "number" then empty
		  elif $s.minimum != null and $v < $s.minimum then "\($path): \($v) is below \($s.minimum)"
		  elif $s.maximum != null and $v > $s.maximum then "\($path): \($v) is above \($s.maximum)"
		  else empty end ),
		( if ($v | type) != "object" then empty
		  else
			( ($s.required // [])[] | select(. as $k | $v | has($k) | not)
			  | "\($path): no key \"\(.)\"" ),
			( $v | to_entries[] | .key as $k | .value as $x
			  | key_schema($s; $k) as $ks
			  | if $ks == null then "\($path): unknown key \"\($k)\""
			    else $x | check($root; $ks; "\($path).\($k)") end )
		  end ),
		( if ($v | type) != "array" or $s.items == null then empty
		  else range(0; $v | length) as $i | $v[$i] | check($root; $s.items; "\($path)[\($i)]")
		  end )
	end;

$schema[0] as $root
| (if (keys - ["errors", "version", "warnings"]) == [] and has("errors") then "error" else $verb end) as $doc
| if $root.documents[$doc] == null then "no document \"\($doc)\" in the schema"
  else check($root; $root.documents[$doc]; $doc) end
